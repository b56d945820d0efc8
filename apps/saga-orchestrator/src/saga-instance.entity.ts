import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';

export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'COMPENSATED' | 'FAILED';

/** One running or finished saga; `version` guards against two orchestrators moving it at once. */
@Entity({ name: 'saga_instances' })
export class SagaInstance {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'saga_type' })
  sagaType!: string;

  @Column('int', { name: 'definition_version' })
  definitionVersion!: number;

  @Column('varchar', { length: 16 })
  status!: SagaStatus;

  @Column('int', { name: 'current_step' })
  currentStep!: number;

  @Column('jsonb')
  data!: Record<string, unknown>;

  @Column('timestamptz', { nullable: true })
  deadline!: Date | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError!: string | null;

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
