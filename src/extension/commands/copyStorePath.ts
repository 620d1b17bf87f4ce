import * as vscode from '../vscodeApi';
import { cliCommandFor } from '../services/storeLocation';
import { targetOf } from './args';
import type { Command } from './command';
import { pickFolder } from './pickers';
import { COMMAND_IDS } from './ids';

/** Copies where the folder's store lives and shows the CLI command that opens the same store. */
export const copyStorePath: Command = {
  id: COMMAND_IDS.copyStorePath,
  title: 'Copy Store Path',
  async run(services, arg) {
    const folder = await pickFolder(services, targetOf(arg), 'Copy Store Path');
    if (!folder) return undefined;
    const dir = services.stores.storeDir(folder);
    await vscode.env.clipboard.writeText(dir);
    const cli = cliCommandFor(folder.uri.fsPath, dir);
    services.log.info(`${folder.name}: store ${dir}; CLI: ${cli}`);
    const copyCli = 'Copy CLI Command';
    void vscode.window
      .showInformationMessage(
        `Incident Replay: copied the store path of ${folder.name}. The CLI opens the same store with: ${cli}`,
        copyCli,
      )
      .then((c) => (c === copyCli ? vscode.env.clipboard.writeText(cli) : undefined));
    return dir;
  },
};
