export function Contacts({ selectedId }: { selectedId?: string }) {
  return <h1>Contacts {selectedId}</h1>;
}
