import { createHash, timingSafeEqual } from 'node:crypto';
import {
  Controller,
  Get,
  Header,
  Headers,
  Inject,
  Optional,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/identity';
import { register } from 'prom-client';

/** Injection token of the bearer token `/metrics` asks for; unset: open. */
export const METRICS_TOKEN = Symbol('METRICS_TOKEN');

/**
 * Prometheus scrapes `/metrics`: like the probes it is outside `/api` and asks for no user token.
 * With METRICS_TOKEN set it asks for that bearer token instead (what a scraper's
 * `bearerTokenSecret` sends), so a pod that can reach the port cannot read it.
 */
@ApiTags('operations')
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly expected?: Buffer;

  constructor(@Optional() @Inject(METRICS_TOKEN) token?: string) {
    if (token) this.expected = digestOf(`Bearer ${token}`);
  }

  @Get()
  @Header('Content-Type', register.contentType)
  @ApiOperation({ summary: 'Prometheus metrics (open unless METRICS_TOKEN is set)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The Prometheus text format', schema: { type: 'string' } })
  async scrape(@Headers('authorization') authorization?: string): Promise<string> {
    if (this.expected && !timingSafeEqual(digestOf(authorization ?? ''), this.expected)) {
      throw new UnauthorizedException('A valid metrics token is required');
    }
    return register.metrics();
  }
}

function digestOf(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
