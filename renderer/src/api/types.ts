// The wire types of the API: the one contract module, derived from the server's own zod
// schemas (type-only, erased from the bundle).
export type * from '../../../common/contract/index.ts';
