import { CreateInbox1795654000001 } from './1795654000001-create-inbox.js';
import { CreateOutbox1795654000000 } from './1795654000000-create-outbox.js';
import { KeepRepliesInInbox1795654000002 } from './1795654000002-keep-replies-in-inbox.js';
import { PublishOutboxAfterCommit1795654000003 } from './1795654000003-publish-outbox-after-commit.js';

/** The outbox and inbox migrations, to add to the migrations of every app that owns data. */
export const messagingMigrations = [
  CreateOutbox1795654000000,
  CreateInbox1795654000001,
  KeepRepliesInInbox1795654000002,
  PublishOutboxAfterCommit1795654000003,
];
