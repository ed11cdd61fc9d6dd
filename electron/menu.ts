import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  lanEnabled: boolean;
  toggleLan(enabled: boolean): void;
  openDataFolder(): void;
  backupNow(): void;
  showWindow(): void;
  quit(): void;
}

/** The tray and app menu: the same items in both places. */
export function menuTemplate(actions: MenuActions): MenuItemConstructorOptions[] {
  return [
    { label: 'Open LocalDesk', click: () => actions.showWindow() },
    { type: 'separator' },
    {
      label: 'Share on local network',
      type: 'checkbox',
      checked: actions.lanEnabled,
      click: (item) => actions.toggleLan(item.checked),
    },
    { label: 'Open data folder', click: () => actions.openDataFolder() },
    { label: 'Back up now', click: () => actions.backupNow() },
    { type: 'separator' },
    { label: 'Quit', role: 'quit', click: () => actions.quit() },
  ];
}
