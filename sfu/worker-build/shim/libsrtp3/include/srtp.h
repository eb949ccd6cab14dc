// libsrtp-3 API, as used by mediasoup's worker, on top of libsrtp 2.5 (Debian's
// libsrtp2-dev).
//
// WHY: mediasoup builds against its own libsrtp 3 fork (the `libsrtp3` wrap), which
// no distribution packages. Compared with libsrtp 2, the part of libsrtp 3 that the
// worker uses (src/RTC/SrtpSession.cpp, src/DepLibSRTP.cpp,
// include/RTC/SrtpSession.hpp):
//   1. protect/unprotect take separate input and output buffers and size_t lengths
//      (libsrtp 2: in place, int* length);
//   2. srtp_policy_t is an opaque handle filled through srtp_policy_create/_set_*/
//      _add_key/_destroy (libsrtp 2: a public struct filled by hand);
//   3. srtp_remove_stream() is called srtp_stream_remove();
//   4. two more error codes exist (buffer_small, cryptex_err).
// Everything else the worker uses (srtp_init, srtp_create, srtp_dealloc, profiles,
// events, error codes) has the same name and meaning in libsrtp 2.
//
// The wrappers are C++ overloads (different parameter lists) of the libsrtp 2 C
// functions, so the real functions stay callable under their own names. MKI is not
// supported (the worker never uses it). Only what the worker calls is provided.

#ifndef PROCTOR_SRTP3_COMPAT_SRTP_H
#define PROCTOR_SRTP3_COMPAT_SRTP_H

#ifndef __cplusplus
#error "this libsrtp-3 compatibility header is for the C++ worker only"
#endif

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

// libsrtp 2 names its public policy struct `srtp_policy_t`; libsrtp 3 uses that name
// for the opaque handle. Give the libsrtp 2 struct another name while including it
// (the functions are extern "C", so their symbols do not change).
#define srtp_policy_t proctor_srtp2_policy_t
#include <srtp2/srtp.h>
#undef srtp_policy_t

// (4) Error codes added by libsrtp 3, given the next free values after libsrtp 2's
// last code (27). libsrtp 2 never returns them; the shim returns buffer_small itself.
// The worker only uses them to look up error strings.
inline constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
inline constexpr srtp_err_status_t srtp_err_status_cryptex_err  = static_cast<srtp_err_status_t>(29);

// (2) Opaque policy handle: a libsrtp 2 policy plus storage for the key, because
// libsrtp 2 reads the master key and salt from one contiguous buffer (`key`) that
// must outlive srtp_create().
struct proctor_srtp3_policy
{
	proctor_srtp2_policy_t policy;
	unsigned char key[SRTP_MAX_KEY_LEN];
};
typedef proctor_srtp3_policy* srtp_policy_t;

inline srtp_err_status_t srtp_policy_create(srtp_policy_t* policy)
{
	if (!policy)
		return srtp_err_status_bad_param;
	// Value-initialised: all fields zero, `next` NULL (a single-element policy list).
	*policy = new (std::nothrow) proctor_srtp3_policy{};
	return *policy ? srtp_err_status_ok : srtp_err_status_alloc_fail;
}

inline void srtp_policy_destroy(srtp_policy_t policy)
{
	delete policy;
}

inline srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc)
{
	if (!policy)
		return srtp_err_status_bad_param;
	policy->policy.ssrc = ssrc;
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile)
{
	if (!policy)
		return srtp_err_status_bad_param;
	// libsrtp 2 picks the same RTP/RTCP crypto policies for a profile as libsrtp 3
	// (e.g. RTCP uses an 80-bit tag for AES_CM_128_HMAC_SHA1_32, per RFC 3711).
	const srtp_err_status_t err =
	  srtp_crypto_policy_set_from_profile_for_rtp(&policy->policy.rtp, profile);
	if (err != srtp_err_status_ok)
		return err;
	return srtp_crypto_policy_set_from_profile_for_rtcp(&policy->policy.rtcp, profile);
}

inline srtp_err_status_t srtp_policy_add_key(
  srtp_policy_t policy,
  const uint8_t* key,
  size_t keyLen,
  const uint8_t* salt,
  size_t saltLen,
  const uint8_t* mki,
  size_t mkiLen)
{
	if (!policy || !key || (saltLen > 0 && !salt) || mki || mkiLen != 0)
		return srtp_err_status_bad_param;
	if (keyLen + saltLen > sizeof(policy->key))
		return srtp_err_status_bad_param;
	// When the profile is already set, libsrtp 2 will read exactly cipher_key_len
	// bytes (key + salt) from the buffer: refuse anything else.
	if (policy->policy.rtp.cipher_key_len > 0 &&
	    keyLen + saltLen != static_cast<size_t>(policy->policy.rtp.cipher_key_len))
		return srtp_err_status_bad_param;
	std::memcpy(policy->key, key, keyLen);
	if (saltLen > 0)
		std::memcpy(policy->key + keyLen, salt, saltLen);
	policy->policy.key = policy->key;
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow)
{
	if (!policy)
		return srtp_err_status_bad_param;
	policy->policy.allow_repeat_tx = allow ? 1 : 0;
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, size_t windowSize)
{
	if (!policy)
		return srtp_err_status_bad_param;
	// libsrtp 2 validates the range (64 .. 2^15) in srtp_create().
	policy->policy.window_size = static_cast<unsigned long>(windowSize);
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_create(srtp_t* session, srtp_policy_t policy)
{
	if (!policy)
		return srtp_err_status_bad_param;
	return srtp_create(session, &policy->policy); // libsrtp 2 (const policy struct*)
}

// (3)
inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc); // both take the SSRC in network order
}

// (1) Separate in/out buffers: copy the input into the output buffer, then let
// libsrtp 2 work in place there. `*outLen` is the output capacity on entry and the
// resulting length on success. `extra` is how much the operation may append.
namespace proctor_srtp3_compat
{
	inline srtp_err_status_t run(
	  srtp_err_status_t (*fn)(srtp_t, void*, int*),
	  srtp_t ctx,
	  const uint8_t* in,
	  size_t inLen,
	  uint8_t* out,
	  size_t* outLen,
	  size_t extra)
	{
		if (!in || !out || !outLen)
			return srtp_err_status_bad_param;
		if (inLen > static_cast<size_t>(INT_MAX) - extra)
			return srtp_err_status_bad_param;
		if (*outLen < inLen + extra)
			return srtp_err_status_buffer_small;
		if (out != in)
			std::memmove(out, in, inLen);
		int len = static_cast<int>(inLen);
		const srtp_err_status_t err = fn(ctx, out, &len);
		if (err == srtp_err_status_ok)
			*outLen = static_cast<size_t>(len);
		return err;
	}
} // namespace proctor_srtp3_compat

inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtpLen, uint8_t* srtp, size_t* srtpLen, size_t mkiIndex)
{
	if (mkiIndex != 0)
		return srtp_err_status_bad_param;
	// libsrtp 2 may append up to SRTP_MAX_TRAILER_LEN bytes (auth tag).
	return proctor_srtp3_compat::run(
	  ::srtp_protect, ctx, rtp, rtpLen, srtp, srtpLen, SRTP_MAX_TRAILER_LEN);
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtpLen, uint8_t* rtp, size_t* rtpLen)
{
	return proctor_srtp3_compat::run(::srtp_unprotect, ctx, srtp, srtpLen, rtp, rtpLen, 0);
}

inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcpLen, uint8_t* srtcp, size_t* srtcpLen, size_t mkiIndex)
{
	if (mkiIndex != 0)
		return srtp_err_status_bad_param;
	// SRTCP appends the 4-byte index word as well as the trailer.
	return proctor_srtp3_compat::run(
	  ::srtp_protect_rtcp, ctx, rtcp, rtcpLen, srtcp, srtcpLen, SRTP_MAX_TRAILER_LEN + 4);
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcpLen, uint8_t* rtcp, size_t* rtcpLen)
{
	return proctor_srtp3_compat::run(::srtp_unprotect_rtcp, ctx, srtcp, srtcpLen, rtcp, rtcpLen, 0);
}

#endif
