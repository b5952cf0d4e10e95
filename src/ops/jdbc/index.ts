/** `ktool jdbc`: dispatch to the driver module. */
import { buildExasol } from './exasol';
import { buildMariadb } from './mariadb';
import type { JdbcConfig, JdbcRequest } from './model';
import { buildMysql } from './mysql';
import { buildOracle } from './oracle';
import { buildPostgresql } from './postgresql';
import { buildSqlserver } from './sqlserver';

export * from './model';

export function buildJdbcConfig(req: JdbcRequest): JdbcConfig {
  switch (req.driver) {
    case 'postgresql':
      return buildPostgresql(req);
    case 'mysql':
      return buildMysql(req);
    case 'mariadb':
      return buildMariadb(req);
    case 'sqlserver':
      return buildSqlserver(req);
    case 'oracle':
      return buildOracle(req);
    case 'exasol':
      return buildExasol(req);
  }
}
