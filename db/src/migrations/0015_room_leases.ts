// Several media nodes without a hand-made load balancer: each live exam room belongs to one
// node, named here with the address its browsers must reach. A node renews its rows while it
// holds the rooms; a node that dies stops renewing, its rows expire, and the next node a
// link reaches takes the room over. Times come from the database's clock, so nodes with
// skewed clocks still agree on who holds what.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE TABLE room_leases (
      exam_id uuid PRIMARY KEY REFERENCES exams (id) ON DELETE CASCADE,
      node_id text NOT NULL CHECK (length(node_id) BETWEEN 1 AND 200),
      node_url text NOT NULL CHECK (node_url ~ '^https?://'),
      acquired_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`,
    'CREATE INDEX room_leases_node_idx ON room_leases (node_id)',
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('DROP TABLE room_leases').execute(db);
}
