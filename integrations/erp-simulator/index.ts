/**
 * The ERP simulator: a deterministic synthetic Finnish company served over Severa's published REST
 * API. It stands in for the outside world, so it imports nothing from src/ nor from any ERP client.
 */
export { generateCompany, type GenerateCompanyOptions } from './generate-company';
export { startSimulator, type Simulator, type SimulatorOptions, type SimulatorStats } from './server';
export { ALL_SCOPES } from './auth';
export { SEVERA_REQUESTS_PER_SECOND } from './errors';
export type { FaultOptions } from './faults';
export type { Mutations, NewWorkHour } from './mutations';
export type { GroundTruth, SimCompany, SimCounts, UserDay } from './types';
export { runSimulatorCli } from './cli';
export { projectMoney, type ProjectMoney } from './money';
