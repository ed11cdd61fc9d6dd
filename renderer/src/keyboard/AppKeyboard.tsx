// The app-wide keyboard layer: "g i"-style navigation, "?" for the shortcut list and Ctrl/Cmd+K
// for the command palette, with the global commands (pages, saved views) the palette offers.
import { type ReactNode, useState } from 'react';
import { useLocation } from 'wouter';
import { InboxStateProvider, useInboxStore } from '../inbox/state.tsx';
import { savedViews } from '../inbox/views.ts';
import { OutboxProvider } from '../ticket/OutboxProvider.tsx';
import { type Command, CommandProvider, useCommands } from './commands.tsx';
import { CommandPalette } from './CommandPalette.tsx';
import { KeyboardProvider, useShortcuts } from './KeyboardProvider.tsx';
import { ShortcutHelp } from './ShortcutHelp.tsx';
import './keyboard.css';
import './pickers.css';

/** The providers the signed-in app's pages rely on: shortcuts, commands, the outbox, inbox state. */
export function AppProviders({ children }: { children: ReactNode }) {
  return (
    <KeyboardProvider>
      <CommandProvider>
        <OutboxProvider>
          <InboxStateProvider>{children}</InboxStateProvider>
        </OutboxProvider>
      </CommandProvider>
    </KeyboardProvider>
  );
}

export interface AppKeyboardState {
  openPalette: () => void;
  openHelp: () => void;
  overlays: ReactNode;
}

/** Global shortcuts and commands; returns openers for the sidebar and the overlays to render. */
export function useAppKeyboard(): AppKeyboardState {
  const [, navigate] = useLocation();
  const inbox = useInboxStore();
  const [palette, setPalette] = useState(false);
  const [help, setHelp] = useState(false);

  useShortcuts({
    'app.palette': () => setPalette((open) => !open),
    'app.help': () => setHelp(true),
    'go.inbox': () => navigate('/inbox'),
    'go.conversations': () => navigate('/conversations'),
    'go.contacts': () => navigate('/contacts'),
    'go.dashboard': () => navigate('/dashboard'),
    'go.settings': () => navigate('/settings'),
  });

  const commands: Command[] = [
    ...savedViews.map((view) => ({
      id: `view.${view.id}`,
      title: `Inbox: ${view.label}`,
      group: 'View',
      run: () => {
        inbox.openView(view);
        navigate('/inbox');
      },
    })),
    { id: 'go.inbox', title: 'Go to inbox', group: 'Go to', keys: 'g i', run: () => navigate('/inbox') },
    { id: 'go.conversations', title: 'Go to conversations', group: 'Go to', keys: 'g c', run: () => navigate('/conversations') },
    { id: 'go.contacts', title: 'Go to contacts', group: 'Go to', keys: 'g o', run: () => navigate('/contacts') },
    { id: 'go.dashboard', title: 'Go to dashboard', group: 'Go to', keys: 'g d', run: () => navigate('/dashboard') },
    { id: 'go.settings', title: 'Go to settings', group: 'Go to', keys: 'g s', run: () => navigate('/settings') },
    { id: 'app.help', title: 'Show keyboard shortcuts', group: 'Help', keys: '?', run: () => setHelp(true) },
  ];
  useCommands(commands);

  return {
    openPalette: () => setPalette(true),
    openHelp: () => setHelp(true),
    overlays: (
      <>
        {palette ? <CommandPalette onClose={() => setPalette(false)} /> : null}
        {help ? <ShortcutHelp onClose={() => setHelp(false)} /> : null}
      </>
    ),
  };
}
