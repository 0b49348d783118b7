import { UserError } from '../../shared/errors.js';
import type { Command } from '../command.js';

export const command: Command = {
  summary: 'create a new values repo from the template',
  usage: 'runlevel init DIR --cluster C [--environment E] [--domain D]',
  async run() {
    throw new UserError('runlevel init is not implemented yet');
  },
};
