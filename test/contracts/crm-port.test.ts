import { ManualClock } from '../../src/clock.js';
import { DynamicsPort } from '../../src/connectors/dynamics/index.js';
import { startHarness } from '../connectors/dynamics/helpers.js';
import { InMemoryCrm } from '../fakes/in-memory-crm.js';
import { crmPortContract } from './crm-port.contract.js';

crmPortContract('in-memory fake', async () => {
  const crm = new InMemoryCrm();
  let lists = 0;
  return {
    port: crm,
    create: (fields) => crm.create(fields),
    update: (id, fields) => crm.update(id, fields),
    delete: (id) => crm.delete(id),
    get: (id) => crm.get(id),
    list: (members) => {
      const id = `list-${++lists}`;
      for (const member of members) crm.addToList(id, member);
      return id;
    },
    expirePositions: () => crm.expirePositions(),
    activityKeys: (kind) =>
      crm
        .activities()
        .filter((a) => a.target === kind)
        .map((a) => a.key),
    campaign: () => '00000000-0000-4000-8000-00000000ca01',
    close: () => crm.close(),
  };
});

crmPortContract('Dataverse adapter on the emulator', async () => {
  // The emulator forgets change tokens after 7 days (as Dataverse does by default): its clock moves on.
  const clock = new ManualClock(Date.now());
  const h = await startHarness({ clock });
  const admin = h.emulator.admin;
  return {
    port: new DynamicsPort(h.client),
    create: (fields) => admin.createContact(fields),
    update: (id, fields) => admin.updateContact(id, fields),
    delete: (id) => void admin.deleteContact(id),
    get: (id) => admin.getContact(id),
    list: (members) => {
      const list = admin.createList('Contract list');
      admin.addListMembers(list.listid, members);
      return list.listid;
    },
    expirePositions: () => clock.advance(8 * 24 * 3600 * 1000),
    activityKeys: (kind) =>
      admin
        .activities(kind === 'custom-activity' ? 'koppel_mailinginteractions' : 'campaignresponses')
        .map((row) => String(row.koppel_key)),
    campaign: () => admin.createCampaign('Contract campaign'),
    close: () => h.close(),
  };
});
