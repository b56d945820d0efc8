export {
  ParticipantModule,
  type ParticipantConfig,
  type ParticipantOptions,
} from './participant.module.js';
