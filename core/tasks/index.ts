// The tasks stage: what the deploy engine and `runlevel task` import.
export {
  defaultAttempts,
  defaultTimeoutMs,
  getTask,
  listTasks,
  parseTaskList,
  type RunTaskOptions,
  runTask,
  type TaskCall,
  tasks,
} from './registry.js';
export type { Task, TaskContext, TaskResult, TaskValues } from './types.js';
