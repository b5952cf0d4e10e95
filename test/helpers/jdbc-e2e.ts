/** Shared set-up of the JDBC end-to-end files: two PKIs made by `ktool ca`, TLS PostgreSQL (`cert` auth) and MariaDB, a compiled Java client. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startMariaDb, startPostgres, type MariaDbServer, type PostgresServer, type TestPki } from './db-servers';
import { JDKS } from './jdk';
import { makeKtoolPki } from './ktool-pki';

export const JDBC_JARS = ['/usr/share/java/postgresql.jar', '/usr/share/java/mariadb-java-client.jar'];

export interface JdbcE2e {
  pki: TestPki;
  otherPki: TestPki;
  pg: PostgresServer;
  maria: MariaDbServer;
  classes: string;
}

/** Starts both servers (client certificates verified against pki's CAs) and compiles `className` from `source`. */
export async function startJdbcE2e(work: string, className: string, source: string): Promise<JdbcE2e> {
  for (const j of JDBC_JARS) if (!fs.existsSync(j)) throw new Error(`${j} missing: apt-get install -y libpostgresql-jdbc-java libmariadb-java`);
  const pki = makeKtoolPki(path.join(work, 'pki'));
  const otherPki = makeKtoolPki(path.join(work, 'other-pki'));
  const ssl = { cert: pki.serverChain, key: pki.serverKey, ca: pki.caBundle };
  const [pg, maria] = await Promise.all([
    startPostgres({ ssl, hba: ['hostssl all all 127.0.0.1/32 cert', 'hostssl all all ::1/128 cert'] }),
    startMariaDb({ ssl }),
  ]);
  await maria.createDatabase('app');
  const classes = path.join(work, 'classes');
  fs.mkdirSync(classes);
  fs.writeFileSync(path.join(classes, `${className}.java`), source);
  // Compiled by the oldest JDK we run on.
  const r = spawnSync(path.join(JDKS[0].home(), 'bin', 'javac'), ['-d', classes, path.join(classes, `${className}.java`)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`javac: ${r.stderr}`);
  return { pki, otherPki, pg, maria, classes };
}
