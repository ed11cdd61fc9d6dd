import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, createContext, useContext, useEffect, useMemo } from 'react';
import { useSession } from '../app/context.tsx';
import { Outbox } from './outbox.ts';

const OutboxContext = createContext<Outbox | null>(null);

/** One outbox per signed-in session; closing the tab while a reply is held asks first. */
export function OutboxProvider({ children }: { children: ReactNode }) {
  const { api, me } = useSession();
  const qc = useQueryClient();
  const outbox = useMemo(() => new Outbox(qc, api, me), [qc, api, me]);
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (outbox.pending > 0) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [outbox]);
  return <OutboxContext.Provider value={outbox}>{children}</OutboxContext.Provider>;
}

export function useOutbox(): Outbox {
  const outbox = useContext(OutboxContext);
  if (!outbox) throw new Error('useOutbox outside OutboxProvider');
  return outbox;
}
