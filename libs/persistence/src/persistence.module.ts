import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { bootstrapDatabase } from './database-bootstrap.js';
import { DatabaseHealthIndicator } from './database-health.indicator.js';
import { PERSISTENCE_OPTIONS, type PersistenceOptions } from './persistence.options.js';
import { runMigrations } from './run-migrations.js';

/** The app's PostgreSQL schema through TypeORM: bootstrapped, migrated, never synchronized. */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TerminusModule,
        TypeOrmModule.forRootAsync({
          useFactory: (): TypeOrmModuleOptions => ({
            ...dataSourceOptions(options),
            // Give a database that is still starting a minute to come up.
            retryAttempts: 20,
            retryDelay: 3000,
          }),
          dataSourceFactory: async (typeOrmOptions) => {
            if (options.adminUrl) {
              await bootstrapDatabase({
                adminUrl: options.adminUrl,
                appUrl: options.url,
                schema: options.schema,
              });
            }
            const dataSource = await new DataSource(
              typeOrmOptions as DataSourceOptions,
            ).initialize();
            if (options.migrationsRun) await runMigrations(dataSource, options.schema);
            return dataSource;
          },
        }),
      ],
      providers: [{ provide: PERSISTENCE_OPTIONS, useValue: options }, DatabaseHealthIndicator],
      exports: [DatabaseHealthIndicator],
    };
  }
}

/** The TypeORM settings of an app's schema; also used by the migration CLI. */
export function dataSourceOptions(options: PersistenceOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    applicationName: options.applicationName,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    poolSize: options.poolSize,
    // Unqualified names resolve in the app's own schema, whatever the role's defaults say.
    extra: { connectionTimeoutMillis: 3000, options: `-c search_path=${options.schema}` },
  };
}
