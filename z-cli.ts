import { Command } from 'commander';
import { registerBoards } from './src/cli/commands/boards.js';
import { registerInit } from './src/cli/commands/init.js';
const program = new Command().exitOverride();
registerBoards(program); registerInit(program);
await program.parseAsync(process.argv);
