import type { Command } from './command';
import { COMMAND_IDS } from './ids';

export const showOutput: Command = {
  id: COMMAND_IDS.showOutput,
  title: 'Show Output',
  run(services) {
    services.log.show();
    return Promise.resolve(undefined);
  },
};
