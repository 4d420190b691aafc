export interface D1Meta {
  uuid: string;
  name: string;
  created_at: string;
  jurisdiction?: string;
  primary_location_hint?: string;
  read_replication?: { mode: string };
}
