export function Conversations({ selectedId }: { selectedId?: string }) {
  return <h1>Conversations {selectedId}</h1>;
}
