// The permission matrix, the 'permissions' setting (settings.ts); unset, it is PRODUCT.md's default.
// The parsed matrix is cached per database; every read checks the setting's version (one
// primary-key lookup) so that a change made by any process applies on the very next call:
// revoking a right must not wait for a cache to expire.
import type { Db } from '~/server/db/client';
import { getSettingVersioned, resetSetting, setSetting, settingVersion } from '~/server/settings';
import { defaultMatrix, type PermissionMatrix } from './rights';

interface Cached {
  version: string;
  matrix: PermissionMatrix;
}

const cache = new WeakMap<Db, Cached>();

export async function loadPermissions(db: Db): Promise<PermissionMatrix> {
  const version = await settingVersion(db, 'permissions');
  if (version === null) return defaultMatrix;
  const cached = cache.get(db);
  if (cached && cached.version === version) return cached.matrix;
  const read = await getSettingVersioned(db, 'permissions');
  if (read.version !== null) cache.set(db, { version: read.version, matrix: read.value });
  return read.value;
}

export async function savePermissions(db: Db, matrix: PermissionMatrix): Promise<PermissionMatrix> {
  const saved = await setSetting(db, 'permissions', matrix);
  cache.delete(db);
  return saved;
}

export async function resetPermissions(db: Db): Promise<void> {
  await resetSetting(db, 'permissions');
  cache.delete(db);
}
