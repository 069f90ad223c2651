import { DAY_MS, KEY_MAX_AGE_DAYS, readKeyStatus, wrappedByOldKeys } from '../../keys/key-status.js';
import { isWeakMasterKey } from '../../keys/master-key.js';
import { isSystemKey } from '../../keys/system-keys.js';
import { type DoctorCheck, fail, pass, readyStore, skip, warn } from '../doctor-check.js';
import { keyFilePaths } from '../doctor-context.js';

const days = (ms: number) => Math.floor(ms / DAY_MS);

export const masterKeyAvailable: DoctorCheck = {
  id: 'master-key',
  run: ({ masters, mastersProblem }) => {
    if (masters)
      return pass(
        'master-key',
        `the master key loads from ${masters.source} (id ${masters.keys.current.id})`,
      );
    return fail(
      'master-key',
      `the master key cannot be loaded: ${mastersProblem}`,
      'without the master key koppel cannot read any tenant key, so it cannot deliver or decrypt anything.',
      'restore the key from your backup, or fix the masterKey configuration',
    );
  },
};

export const masterKeyStrength: DoctorCheck = {
  id: 'master-key-strength',
  run: ({ masters }) => {
    if (!masters?.localKey) return skip('master-key-strength', 'no local master key to inspect');
    if (!isWeakMasterKey(masters.localKey)) return pass('master-key-strength', 'the master key looks random');
    return fail(
      'master-key-strength',
      'the master key is a well-known or patterned value (for example all zeros or a test key)',
      'anyone who guesses the key can decrypt all stored data; such keys appear in examples and tests.',
      'generate a real key and rotate to it: koppel keys rotate --generate (key file), or koppel keys generate for $KOPPEL_MASTER_KEY',
    );
  },
};

export const masterKeyAge: DoctorCheck = {
  id: 'master-key-age',
  run: async (context) => {
    const store = readyStore(context);
    if (!store || !context.masters) return skip('master-key-age', 'needs the store and the master key');
    const status = await readKeyStatus(store.db, context.masters.keys);
    const since = status.currentMasterKeySince;
    if (since === null) return pass('master-key-age', 'the master key has not wrapped a tenant key yet');
    const age = days(context.now - since);
    if (age <= KEY_MAX_AGE_DAYS) return pass('master-key-age', `the master key is ${age} days in use`);
    return warn(
      'master-key-age',
      `the master key is ${age} days in use (more than ${KEY_MAX_AGE_DAYS})`,
      'the processing agreement promises keys are rotated periodically; the longer a key lives, the more a leak of it exposes.',
      'koppel keys rotate --generate (key file); see docs/security.md for the environment and Key Vault procedures',
    );
  },
};

export const masterKeyRotation: DoctorCheck = {
  id: 'master-key-rotation',
  run: async (context) => {
    const store = readyStore(context);
    if (!store || !context.masters) return skip('master-key-rotation', 'needs the store and the master key');
    const status = await readKeyStatus(store.db, context.masters.keys);
    const old = wrappedByOldKeys(status, context.masters.keys);
    if (old > 0) {
      return fail(
        'master-key-rotation',
        `${old} tenant key version(s) are still wrapped by an old master key`,
        'a rotation was started but not finished: the old key is still needed, so it still protects live data.',
        'koppel keys rotate (with the old key still configured as a previous key)',
      );
    }
    const leftovers = keyFilePaths(context.config)
      .slice(1)
      .filter((p) => context.files.get(p)?.exists);
    const previous = context.masters.keys.previous.length;
    if (leftovers.length === 0 && previous === 0)
      return pass('master-key-rotation', 'no old master keys are configured');
    return warn(
      'master-key-rotation',
      `old master keys are still configured or lie next to the key file (${leftovers.join(', ') || `${previous} previous key(s)`}), though no tenant key needs them`,
      'an old key no longer protects live data, only backups made before the rotation; next to the data it adds risk without use.',
      'move old key files offline with the backups they protect (or delete them), and remove previous keys from the configuration',
    );
  },
};

export const tenantKeyAge: DoctorCheck = {
  id: 'tenant-key-age',
  run: async (context) => {
    const store = readyStore(context);
    if (!store || !context.masters) return skip('tenant-key-age', 'needs the store and the master key');
    const status = await readKeyStatus(store.db, context.masters.keys);
    const live = status.tenants.filter((t) => !t.destroyed);
    const old = live.filter((t) => context.now - t.createdAt > KEY_MAX_AGE_DAYS * DAY_MS);
    if (old.length === 0)
      return pass(
        'tenant-key-age',
        `${live.filter((t) => !isSystemKey(t.tenantId)).length} tenant data key(s) and ${live.filter((t) => isSystemKey(t.tenantId)).length} of koppel's own, none older than ${KEY_MAX_AGE_DAYS} days`,
      );
    return warn(
      'tenant-key-age',
      `the data key of ${old.map((t) => `${t.tenantId} (${days(context.now - t.createdAt)} days)`).join(', ')} is older than ${KEY_MAX_AGE_DAYS} days`,
      'new data of these tenants are still sealed with an old data key; rotating limits how much one leaked data key exposes.',
      old.map((t) => `koppel keys rotate-tenant ${t.tenantId}`).join(' && '),
    );
  },
};
