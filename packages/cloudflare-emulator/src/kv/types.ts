export interface KvNamespaceMeta {
  id: string;
  title: string;
}
