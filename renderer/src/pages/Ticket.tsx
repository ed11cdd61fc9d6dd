export function TicketPage({ id }: { id: string }) {
  return <h1>Ticket {id}</h1>;
}
