import { Redirect, Route, Switch } from 'wouter';
import { Contacts } from '../pages/Contacts.tsx';
import { Conversations } from '../pages/Conversations.tsx';
import { Dashboard } from '../pages/Dashboard.tsx';
import { Inbox } from '../pages/Inbox.tsx';
import { Settings } from '../pages/Settings.tsx';
import { TicketPage } from '../pages/Ticket.tsx';
import { Profile } from '../auth/Profile.tsx';

export function Routes() {
  return (
    <Switch>
      <Route path="/inbox" component={Inbox} />
      <Route path="/tickets/:id">{(params) => <TicketPage id={params.id} />}</Route>
      <Route path="/conversations">{() => <Conversations />}</Route>
      <Route path="/conversations/:id">{(params) => <Conversations selectedId={params.id} />}</Route>
      <Route path="/contacts">{() => <Contacts />}</Route>
      <Route path="/contacts/:id">{(params) => <Contacts selectedId={params.id} />}</Route>
      <Route path="/dashboard" component={Dashboard} />
      <Route path="/profile" component={Profile} />
      <Route path="/settings">{() => <Settings />}</Route>
      <Route path="/settings/:section">{(params) => <Settings section={params.section} />}</Route>
      <Route>
        <Redirect to="/inbox" />
      </Route>
    </Switch>
  );
}
