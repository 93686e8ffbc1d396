// The one pg-boss transaction adapter: pg-boss sends (and settles jobs) through our transaction's
// client, so its writes commit, or not, with our rows. Every room that sends in a transaction uses it.
import type pg from 'pg';

export const inTx = (client: Pick<pg.ClientBase, 'query'>) => ({
  executeSql: (text: string, values?: unknown[]) => client.query(text, values),
});
