import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/identity';
import { ZodValidationPipe } from '@app/validation';
import { AccessTokenAnswer } from '../docs/api-schemas.js';
import { ApiAnswer, ApiErrors, ApiJsonBody } from '../docs/api-docs.decorators.js';
import { DevTokenIssuer } from './dev-token.issuer.js';
import { DevTokenRequest } from './dev-token.request.js';

/** Registered only when AUTH_DEV_TOKENS is on; otherwise the route does not exist (404). */
@ApiTags('auth')
@Controller('api/auth')
export class DevTokenController {
  constructor(private readonly issuer: DevTokenIssuer) {}

  @Public()
  @Post('dev-token')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Issue a dev token (open; only when AUTH_DEV_TOKENS is on)' })
  @ApiJsonBody(DevTokenRequest)
  @ApiAnswer(HttpStatus.OK, 'A signed token, valid for one hour', AccessTokenAnswer)
  @ApiErrors(HttpStatus.TOO_MANY_REQUESTS)
  async devToken(
    @Body(new ZodValidationPipe(DevTokenRequest, 'token request')) body: DevTokenRequest,
  ): Promise<{ accessToken: string }> {
    return { accessToken: await this.issuer.issue(body) };
  }
}
