import { describe, expect, it } from '@jest/globals';
import { UnauthorizedException } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';

describe(MetricsController.name, () => {
  it('is open when no metrics token is set', async () => {
    await expect(new MetricsController().scrape()).resolves.toEqual(expect.any(String));
  });

  it('asks for the metrics token when one is set', async () => {
    const controller = new MetricsController('a-scraper-token-of-16-plus');
    await expect(controller.scrape()).rejects.toBeInstanceOf(UnauthorizedException);
    await expect(controller.scrape('Bearer wrong')).rejects.toBeInstanceOf(UnauthorizedException);
    await expect(controller.scrape('Bearer a-scraper-token-of-16-plus')).resolves.toEqual(
      expect.any(String),
    );
  });
});
