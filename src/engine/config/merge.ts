import { ROOT_CAUSE_CATEGORIES } from '../types';
import type { ConfigPatch } from './patch';
import type { EngineConfig } from './types';

/**
 * Applies a patch over a config: set lists replace, objects merge key by key, and each
 * root-cause category merges field by field (a new description keeps the default steps).
 */
export function applyPatch(base: EngineConfig, patch: ConfigPatch): EngineConfig {
  const { triggers, rootCauseCategories, ...topLevel } = patch;
  const categories = { ...base.rootCauseCategories };
  for (const category of ROOT_CAUSE_CATEGORIES) {
    const text = rootCauseCategories[category];
    if (text) categories[category] = { ...categories[category], ...text };
  }
  return {
    ...base,
    ...topLevel,
    triggers: { ...base.triggers, ...triggers },
    rootCauseCategories: categories,
  };
}
