// Stand-in for martinus/unordered_dense (<ankerl/unordered_dense.h>).
//
// WHY: mediasoup uses ankerl::unordered_dense purely as a faster drop-in for the
// standard hash containers, and Debian 12 does not package it. The worker only uses
// ankerl::unordered_dense::map, ::set and ::hash, with the std::unordered_map/set
// subset of their API (find, emplace, try_emplace, erase, contains, iteration), so
// aliasing them to the standard containers keeps behaviour and only costs speed.
// Code that relied on unordered_dense's extras (insertion-ordered iteration,
// values(), extract(), replace()) would fail to compile rather than misbehave.
#pragma once

#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace ankerl::unordered_dense
{
	template<class T>
	using hash = std::hash<T>;

	template<class Key, class T, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>>
	using map = std::unordered_map<Key, T, Hash, KeyEqual>;

	template<class Key, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>>
	using set = std::unordered_set<Key, Hash, KeyEqual>;
} // namespace ankerl::unordered_dense
