/** The ticket page's shape while it loads. */
export function TicketSkeleton() {
  return (
    <div className="ticket-page" aria-busy="true" aria-label="Loading ticket">
      <header className="ticket-head">
        <div className="ticket-title">
          <div className="skeleton" style={{ width: '40%', height: '1.5rem' }} />
          <div className="skeleton" style={{ width: '25%', marginTop: 10 }} />
        </div>
      </header>
      <div className="ticket-body">
        <div className="conversation">
          {[0, 1, 2].map((i) => (
            <div key={i} className="msg-skeleton">
              <div className="skeleton avatar-skeleton" />
              <div className="skeleton" style={{ height: `${4 + i * 2}rem`, flex: 1 }} />
            </div>
          ))}
        </div>
        <aside className="ticket-side">
          <div className="panel">
            {[0, 1, 2, 3].map((i) => (
              <div key={i} className="skeleton" style={{ height: '2rem', marginBottom: 10 }} />
            ))}
          </div>
        </aside>
      </div>
    </div>
  );
}
