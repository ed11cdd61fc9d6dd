// Imported (not read from disk) so a bundle such as the Electron main process carries it.
import pkg from '../../package.json' with { type: 'json' };

export const appName = 'LocalDesk';
export const appVersion: string = pkg.version;
