import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { DatabaseBusyFilter } from './database-busy.filter.js';
import { DatabaseHealthIndicator } from './database-health.indicator.js';
import { dataSourceOptions } from './data-source-options.js';
import { bootstrapIfAdmin } from './migrate-schema.js';
import { PERSISTENCE_OPTIONS, type PersistenceOptions } from './persistence.options.js';
import { runMigrations } from './run-migrations.js';

/**
 * The app's PostgreSQL schema through TypeORM: bootstrapped, migrated, never synchronized; and a
 * request that meets a busy or restarting database answers 503, not 500 (`DatabaseBusyFilter`).
 */
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
            await bootstrapIfAdmin(options);
            const dataSource = await new DataSource(
              typeOrmOptions as DataSourceOptions,
            ).initialize();
            if (options.migrationsRun) await runMigrations(dataSource, options.schema);
            return dataSource;
          },
        }),
      ],
      providers: [
        { provide: PERSISTENCE_OPTIONS, useValue: options },
        { provide: APP_FILTER, useClass: DatabaseBusyFilter },
        DatabaseHealthIndicator,
      ],
      exports: [DatabaseHealthIndicator],
    };
  }
}
