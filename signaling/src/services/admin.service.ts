/**
 * Administration, one service per entity family (HTTP-free; routes/admin*.routes.ts map
 * requests onto them): disciplines and groups (admin-catalog), exams (admin-exam),
 * candidates with their reference photos (admin-candidate), staff accounts (admin-user).
 * Shared deps, audit log and mappers: admin-context.ts. The bulk import: admin-import.service.ts.
 */
import { AdminCandidateService } from './admin-candidate.service.ts';
import { AdminCatalogService } from './admin-catalog.service.ts';
import type { AdminServiceDeps } from './admin-context.ts';
import { AdminExamService } from './admin-exam.service.ts';
import { AdminUserService } from './admin-user.service.ts';

export type { AdminServiceDeps, AuditActor } from './admin-context.ts';

export interface AdminServices {
  catalog: AdminCatalogService;
  exams: AdminExamService;
  candidates: AdminCandidateService;
  users: AdminUserService;
}

export function createAdminServices(deps: AdminServiceDeps): AdminServices {
  return {
    catalog: new AdminCatalogService(deps),
    exams: new AdminExamService(deps),
    candidates: new AdminCandidateService(deps),
    users: new AdminUserService(deps),
  };
}
