// Contract 1: apps.<app>.autoscaling.targetCPUUtilizationPercentage → targetCPUPercent.
import type { Migration } from '../types.js';

export const migration: Migration = {
  to: 1,
  title: 'apps.<app>.autoscaling.targetCPUUtilizationPercentage is now targetCPUPercent',
  why: "the old name is the deprecated autoscaling/v1 HPA field, which the app chart no longer renders (it writes autoscaling/v2's averageUtilization); the new name says what it is and its unit",
  steps: [
    {
      kind: 'rename',
      path: ['apps', '*', 'autoscaling', 'targetCPUUtilizationPercentage'],
      to: 'targetCPUPercent',
    },
  ],
};
