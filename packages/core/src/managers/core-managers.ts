import { dynamicManager } from './dynamic-manager.js';
import { futuresManager } from './futures-manager.js';
import { immediateManager } from './immediate-manager.js';
import type { ManagerDefinition } from '../contract/manager.js';

/** The managers built into the core, by name. */
export const coreManagers: Record<string, ManagerDefinition<never>> = {
  immediate: immediateManager as ManagerDefinition<never>,
  futures: futuresManager as ManagerDefinition<never>,
  dynamic: dynamicManager as ManagerDefinition<never>,
};
