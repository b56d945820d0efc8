import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { scrapedGauge } from '@app/metrics';
import { DataSource } from 'typeorm';

const backlog = scrapedGauge({
  name: 'sagaflow_outbox_backlog',
  help: 'Outbox rows not yet published to RabbitMQ',
});
const lag = scrapedGauge({
  name: 'sagaflow_outbox_lag_seconds',
  help: 'Age of the oldest outbox row not yet published (0 when none waits)',
});

interface OutboxState {
  backlog: number;
  lag: number;
}

/**
 * How far the relay is behind, read from the app's outbox at scrape time: a growing lag means
 * messages are committed but not leaving (broker down, relay stuck).
 */
@Injectable()
export class OutboxMetrics implements OnModuleInit, OnModuleDestroy {
  private stops: (() => void)[] = [];

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.stops = [
      backlog.read(async (gauge) => gauge.set((await this.state()).backlog)),
      lag.read(async (gauge) => gauge.set((await this.state()).lag)),
    ];
  }

  onModuleDestroy(): void {
    for (const stop of this.stops) stop();
  }

  /** Both from one cheap query over the partial index of unsent rows. */
  private async state(): Promise<OutboxState> {
    const [row] = await this.dataSource.query<[{ backlog: number; lag: number }]>(
      `SELECT count(*)::int AS backlog,
              coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS lag
       FROM outbox WHERE sent_at IS NULL`,
    );
    return { backlog: Number(row.backlog), lag: Number(row.lag) };
  }
}
