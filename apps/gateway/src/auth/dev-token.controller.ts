import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ZodValidationPipe } from '../validation/zod-validation.pipe.js';
import { DevTokenIssuer } from './dev-token.issuer.js';
import { DevTokenRequest } from './dev-token.request.js';
import { Public } from './roles.decorator.js';

/** Registered only when AUTH_DEV_TOKENS is on; otherwise the route does not exist (404). */
@Controller('api/auth')
export class DevTokenController {
  constructor(private readonly issuer: DevTokenIssuer) {}

  @Public()
  @Post('dev-token')
  @HttpCode(HttpStatus.OK)
  async devToken(
    @Body(new ZodValidationPipe(DevTokenRequest, 'token request')) body: DevTokenRequest,
  ): Promise<{ accessToken: string }> {
    return { accessToken: await this.issuer.issue(body) };
  }
}
