import { get, post } from '../lib/api.js';
import { h, notice, replace, table } from '../lib/dom.js';
import { duration, number } from '../lib/format.js';
import { t } from '../lib/i18n.js';

// Dead letters: messages that failed for good, with their reason, age and the time left before
// the retention job deletes them. Replay and purge, one or many, each after a confirmation. The
// contents hold personal data: viewing them is a separate, explicit step, recorded in the audit log.
export const strings = {
  en: {
    'dlq.title': 'Dead letters',
    'dlq.intro':
      'Messages that could not be delivered, even after retries. Each is kept {days} days after it failed, then deleted. This list shows ids and reasons only.',
    'dlq.none': 'No dead letters.',
    'dlq.onlyTenant': 'Showing tenant {tenant} only.',
    'dlq.showAll': 'Show every tenant’s',
    'dlq.caption': 'Dead letters, oldest first ({shown} of {total})',
    'dlq.select': 'Select',
    'dlq.selectOne': 'Select dead letter {seq}',
    'dlq.seq': 'Id',
    'dlq.tenant': 'Tenant',
    'dlq.queue': 'Queue',
    'dlq.reason': 'Reason',
    'dlq.deliveries': 'Attempts',
    'dlq.age': 'Failed',
    'dlq.ago': '{age} ago',
    'dlq.deletedIn': 'Deleted in',
    'dlq.actions': 'Actions',
    'dlq.replay': 'Replay',
    'dlq.purge': 'Purge',
    'dlq.view': 'View contents',
    'dlq.replayOne': 'Replay dead letter {seq}',
    'dlq.purgeOne': 'Purge dead letter {seq}',
    'dlq.viewOne': 'View contents of dead letter {seq}',
    'dlq.replaySelected': 'Replay selected',
    'dlq.purgeSelected': 'Purge selected',
    'dlq.replayAll': 'Replay all',
    'dlq.purgeAll': 'Purge all',
    'dlq.nothingSelected': 'Select one or more dead letters first.',
    'dlq.confirmReplay':
      'Put {what} back on its queue with a fresh attempt count? It is delivered again in the next round.',
    'dlq.confirmPurge': 'Delete {what} now, with its encrypted contents? This cannot be undone.',
    'dlq.what.one': 'dead letter {seq}',
    'dlq.what.many': '{count} dead letters',
    'dlq.what.all': 'every dead letter',
    'dlq.replayed': 'Replayed: {count}.',
    'dlq.purged': 'Purged: {count}.',
    'dlq.confirmView':
      'The contents of dead letter {seq} may hold personal data. Viewing them is recorded in the audit log under your name.',
    'dlq.viewConfirm': 'View and record',
    'dlq.contents': 'Contents of dead letter {seq}',
    'dlq.description': 'The remote system’s error: {description}',
    'dlq.noDescription': 'The remote system gave no error description.',
    'dlq.close': 'Close',
  },
  nl: {
    'dlq.title': 'Dode berichten',
    'dlq.intro':
      'Berichten die ook na herhaalde pogingen niet konden worden afgeleverd. Elk wordt {days} dagen na het mislukken bewaard en daarna verwijderd. Deze lijst toont alleen id’s en redenen.',
    'dlq.none': 'Geen dode berichten.',
    'dlq.onlyTenant': 'Alleen klant {tenant}.',
    'dlq.showAll': 'Die van alle klanten tonen',
    'dlq.caption': 'Dode berichten, oudste eerst ({shown} van {total})',
    'dlq.select': 'Kiezen',
    'dlq.selectOne': 'Dood bericht {seq} kiezen',
    'dlq.seq': 'Id',
    'dlq.tenant': 'Klant',
    'dlq.queue': 'Wachtrij',
    'dlq.reason': 'Reden',
    'dlq.deliveries': 'Pogingen',
    'dlq.age': 'Mislukt',
    'dlq.ago': '{age} geleden',
    'dlq.deletedIn': 'Verwijderd over',
    'dlq.actions': 'Acties',
    'dlq.replay': 'Opnieuw',
    'dlq.purge': 'Wissen',
    'dlq.view': 'Inhoud bekijken',
    'dlq.replayOne': 'Opnieuw aanbieden: dood bericht {seq}',
    'dlq.purgeOne': 'Wissen: dood bericht {seq}',
    'dlq.viewOne': 'Inhoud bekijken van dood bericht {seq}',
    'dlq.replaySelected': 'Gekozen opnieuw aanbieden',
    'dlq.purgeSelected': 'Gekozen wissen',
    'dlq.replayAll': 'Alles opnieuw aanbieden',
    'dlq.purgeAll': 'Alles wissen',
    'dlq.nothingSelected': 'Kies eerst een of meer dode berichten.',
    'dlq.confirmReplay':
      '{what} terugzetten in de wachtrij met een nieuwe telling van pogingen? Het wordt in de volgende ronde opnieuw afgeleverd.',
    'dlq.confirmPurge': '{what} nu verwijderen, met de versleutelde inhoud? Dit is niet terug te draaien.',
    'dlq.what.one': 'Dood bericht {seq}',
    'dlq.what.many': '{count} dode berichten',
    'dlq.what.all': 'Alle dode berichten',
    'dlq.replayed': 'Opnieuw aangeboden: {count}.',
    'dlq.purged': 'Gewist: {count}.',
    'dlq.confirmView':
      'De inhoud van dood bericht {seq} kan persoonsgegevens bevatten. Het bekijken wordt onder uw naam vastgelegd in de auditlog.',
    'dlq.viewConfirm': 'Bekijken en vastleggen',
    'dlq.contents': 'Inhoud van dood bericht {seq}',
    'dlq.description': 'De fout van het andere systeem: {description}',
    'dlq.noDescription': 'Het andere systeem gaf geen foutomschrijving.',
    'dlq.close': 'Sluiten',
  },
};

export async function render({ main, params }) {
  const tenant = params.get('tenant') ?? '';
  const status = h('div', { 'aria-live': 'polite' });
  const confirmSlot = h('div');
  const listSlot = h('div');
  const viewSlot = h('div');
  const intro = h('p');
  replace(main, h('h1', null, t('dlq.title')), intro, status, confirmSlot, listSlot, viewSlot);

  /** @type {Set<number>} */
  const selected = new Set();
  const load = async () => {
    const answer = await get(
      `/api/dead-letters/overview${tenant ? `?tenant=${encodeURIComponent(tenant)}` : ''}`,
    );
    if (!answer.ok) {
      replace(intro);
      return replace(listSlot, notice('error', t('common.error', { error: answer.error })));
    }
    const { letters, total, retentionDays } = answer.data;
    replace(
      intro,
      t('dlq.intro', { days: retentionDays }),
      tenant
        ? [' ', t('dlq.onlyTenant', { tenant }), ' ', h('a', { href: '/dead-letters' }, t('dlq.showAll'))]
        : null,
    );
    selected.clear();
    if (letters.length === 0) return replace(listSlot, h('p', { class: 'empty' }, t('dlq.none')));
    replace(listSlot, bulkBar(letters), lettersTable(letters, total));
  };

  /** Asks before acting; `seqs` null means every dead letter. */
  const ask = (action, seqs) => {
    replace(viewSlot);
    const what =
      seqs === null
        ? t('dlq.what.all')
        : seqs.length === 1
          ? t('dlq.what.one', { seq: seqs[0] })
          : t('dlq.what.many', { count: seqs.length });
    const question = t(action === 'replay' ? 'dlq.confirmReplay' : 'dlq.confirmPurge', { what });
    const confirm = h(
      'button',
      {
        type: 'button',
        class: action === 'purge' ? 'danger' : undefined,
        onclick: async () => {
          const answer = await post(
            `/api/dead-letters/${action}`,
            seqs === null ? { all: true } : { ids: seqs },
          );
          replace(confirmSlot);
          if (!answer.ok) return replace(status, notice('error', t('common.error', { error: answer.error })));
          replace(status, notice('ok', t(action === 'replay' ? 'dlq.replayed' : 'dlq.purged', answer.data)));
          await load();
        },
      },
      t('common.confirm'),
    );
    replace(
      confirmSlot,
      h(
        'section',
        { class: 'card confirm', role: 'region', 'aria-label': t('common.confirm') },
        notice('warn', question),
        h(
          'div',
          { class: 'actions' },
          confirm,
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => replace(confirmSlot) },
            t('common.cancel'),
          ),
        ),
      ),
    );
    confirm.focus();
  };

  const askView = (seq) => {
    replace(viewSlot);
    const confirm = h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          replace(confirmSlot);
          const [details, contents] = await Promise.all([
            get(`/api/dead-letters/${seq}`),
            get(`/api/dead-letters/${seq}/payload`),
          ]);
          const failed = [details, contents].find((a) => !a.ok);
          if (failed) return replace(viewSlot, notice('error', t('common.error', { error: failed.error })));
          const heading = h('h2', { id: 'view-h', tabindex: '-1' }, t('dlq.contents', { seq }));
          replace(
            viewSlot,
            h(
              'section',
              { class: 'card', 'aria-labelledby': 'view-h' },
              heading,
              h(
                'p',
                null,
                details.data.description
                  ? t('dlq.description', { description: details.data.description })
                  : t('dlq.noDescription'),
              ),
              h('pre', { class: 'doc' }, JSON.stringify(contents.data.payload, null, 2)),
              h(
                'button',
                { type: 'button', class: 'secondary', onclick: () => replace(viewSlot) },
                t('dlq.close'),
              ),
            ),
          );
          heading.focus();
        },
      },
      t('dlq.viewConfirm'),
    );
    replace(
      confirmSlot,
      h(
        'section',
        { class: 'card confirm', role: 'region', 'aria-label': t('common.confirm') },
        notice('warn', t('dlq.confirmView', { seq })),
        h(
          'div',
          { class: 'actions' },
          confirm,
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => replace(confirmSlot) },
            t('common.cancel'),
          ),
        ),
      ),
    );
    confirm.focus();
  };

  const bulkBar = (letters) => {
    const chosen = () => {
      const seqs = letters.map((l) => l.seq).filter((seq) => selected.has(seq));
      if (seqs.length === 0) replace(status, notice('warn', t('dlq.nothingSelected')));
      return seqs.length ? seqs : null;
    };
    const button = (label, onclick, kind = 'secondary') =>
      h('button', { type: 'button', class: kind, onclick }, label);
    return h(
      'div',
      { class: 'actions' },
      button(t('dlq.replaySelected'), () => {
        const seqs = chosen();
        if (seqs) ask('replay', seqs);
      }),
      button(t('dlq.purgeSelected'), () => {
        const seqs = chosen();
        if (seqs) ask('purge', seqs);
      }),
      button(t('dlq.replayAll'), () => ask('replay', null)),
      button(t('dlq.purgeAll'), () => ask('purge', null), 'danger'),
    );
  };

  const lettersTable = (letters, total) =>
    table({
      caption: t('dlq.caption', { shown: number(letters.length), total: number(total) }),
      columns: [
        t('dlq.select'),
        t('dlq.seq'),
        t('dlq.tenant'),
        t('dlq.queue'),
        t('dlq.reason'),
        t('dlq.deliveries'),
        t('dlq.age'),
        t('dlq.deletedIn'),
        t('dlq.actions'),
      ],
      rows: letters.map((l) => [
        h('input', {
          type: 'checkbox',
          'aria-label': t('dlq.selectOne', { seq: l.seq }),
          onchange: (event) => {
            if (event.target.checked) selected.add(l.seq);
            else selected.delete(l.seq);
          },
        }),
        String(l.seq),
        l.tenantId,
        l.queue,
        l.reason,
        number(l.deliveryCount),
        t('dlq.ago', { age: duration(l.ageSeconds) }),
        h(
          'span',
          { class: l.deletedInSeconds < 86_400 ? 'badge amber' : 'badge grey' },
          duration(l.deletedInSeconds),
        ),
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'aria-label': t('dlq.replayOne', { seq: l.seq }),
              onclick: () => ask('replay', [l.seq]),
            },
            t('dlq.replay'),
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'aria-label': t('dlq.purgeOne', { seq: l.seq }),
              onclick: () => ask('purge', [l.seq]),
            },
            t('dlq.purge'),
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'aria-label': t('dlq.viewOne', { seq: l.seq }),
              onclick: () => askView(l.seq),
            },
            t('dlq.view'),
          ),
        ),
      ]),
    });

  await load();
}
