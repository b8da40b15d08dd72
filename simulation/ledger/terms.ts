/**
 * The on-chain terms of a scenario in wei and seconds: what the exact ledger models and what an EVM-in-the-loop run
 * deploys (scripts/evm/deploy.ts derives its deploy parameters from these, so the two cannot drift apart).
 *
 * The genesis float: the scenario's market starts with `market.genesisSupply` tokens (default: the pool's token side)
 * that exist before epoch 0, and agents buy their bonds from it. On chain every token comes from the controller, so
 * the float is minted in a genesis epoch — chain epoch 0, under a one-epoch constant schedule, all to the treasury,
 * which hands it to the market account — and the scenario's schedule applies from chain epoch 1 (a schedule segment
 * switched in before it starts). Scenario epoch e is chain epoch e + `genesisEpochs`.
 */
import { type EmissionSplits, type ScheduleSegment } from "../../protocol/emission";
import { BPS } from "../../protocol/math";
import type { VestingParams } from "../../protocol/vesting";
import type { RewardParams } from "../../protocol/reward";
import { ChainSchema, type ChainSettings, type Scenario } from "../scenario";
import { emissionSegmentsOf, emissionTokenCap, onChainExpressibility, tokensToWei } from "../emissionSpec";
import { ChainTimeline } from "./timeline";

/** Micro-tokens per token: the grain at which the engine's float amounts become wei. */
const MICRO = 1e6;

/** Float tokens → wei at a micro-token grain (the engine's float amounts: stake factor reference, sales, burns). */
export function floatTokensToWei(tokens: number): bigint {
  return BigInt(Math.round(tokens * MICRO)) * 10n ** 12n;
}

/** Float tokens rounded to the micro-token grain, so that {@link floatTokensToWei} of the result loses nothing. */
export function toLedgerGrain(tokens: number): number {
  return Math.round(tokens * MICRO) / MICRO;
}

/** Reward parameters of the protocol from a scenario's levers. */
export function rewardParamsOf(scenario: Scenario): RewardParams {
  const l = scenario.levers;
  return {
    classWeightsBps: scenario.classes.map((c) => Math.round(c.weight * 10_000)),
    demandWeightBps: Math.round(l.demandWeight * 10_000),
    stakeFactor: {
      enabled: l.stakeFactor.enabled,
      referenceStakeWei: floatTokensToWei(Number(l.stakeFactor.referenceStake)),
      maxBoostBps: Math.round(l.stakeFactor.maxBoost * 10_000),
      ...(l.stakeFactor.cap === undefined
        ? {}
        : { capStakeWei: l.stakeFactor.cap === null ? null : floatTokensToWei(Number(l.stakeFactor.cap)) }),
    },
    establishment: { epochs: l.establishment.epochs, fractionBps: Math.round(l.establishment.fraction * 10_000) },
  };
}

export interface LedgerTerms {
  /** 1 when a genesis epoch mints the float first (0 when the float is zero). */
  genesisEpochs: number;
  /** Tokens (wei) of the market before epoch 0. */
  genesisFloat: bigint;
  /** The controller's schedule segments in chain epochs (the genesis segment first, if any). */
  segments: ScheduleSegment[];
  /** Token cap: genesis float + the scenario's emission cap (the largest segment cap). */
  tokenCap: bigint;
  /**
   * The scenario's emission has a simulation-only formula segment: the engine computes each epoch's amount and hands
   * it to `startEpoch` (`segments` then hold the genesis segment only; no contract can run such a schedule).
   */
  engineEmission: boolean;
  splits: EmissionSplits;
  timeline: ChainTimeline;
  unbondingDelay: bigint;
  vesting: VestingParams;
  claimEveryEpochs: number;
  /** Slashed bonds go to the treasury (scenario: `levers.slashing.burn: false`) or are burned. */
  slashToTreasury: boolean;
  /** Reward parameters (class weights, demand weight, stake factor, establishment): protocol/reward.ts. */
  rewardParams: RewardParams;
  /** Initial minimum bond and onboarding fee (wei). */
  minBond: bigint;
  onboardingFee: bigint;
  chain: ChainSettings;
}

/** The chain settings of a scenario, defaults filled in when the section is absent. */
export function chainSettingsOf(scenario: Scenario): ChainSettings {
  return scenario.chain ?? ChainSchema.parse({});
}

/** The genesis float of a scenario in wei. */
export function genesisFloatOf(scenario: Scenario): bigint {
  const m = scenario.market;
  return tokensToWei(m.genesisSupply !== undefined ? m.genesisSupply : m.liquidityUsd / m.initialPrice);
}

export function ledgerTermsOf(scenario: Scenario): LedgerTerms {
  const chain = chainSettingsOf(scenario);
  const engineEmission = !onChainExpressibility(scenario.emission).expressible;
  const emission = engineEmission
    ? { segments: [], tokenCap: emissionTokenCap(scenario.emission) }
    : emissionSegmentsOf(scenario.emission);
  const genesisFloat = genesisFloatOf(scenario);
  const genesisEpochs = genesisFloat > 0n ? 1 : 0;
  // the genesis float is minted in chain epoch 0; the scenario's segments follow, shifted by that epoch
  const segments: ScheduleSegment[] = [
    ...(genesisEpochs === 1
      ? [{ fromEpoch: 0n, schedule: { curve: "constant" as const, initialEmission: genesisFloat, cap: genesisFloat } }]
      : []),
    ...emission.segments.map((s) => ({ fromEpoch: s.fromEpoch + BigInt(genesisEpochs), schedule: s.schedule })),
  ];
  const vestingEpochs = scenario.levers.vesting.durationEpochs;
  const immediateBps = vestingEpochs > 0 ? BigInt(Math.round(scenario.levers.vesting.immediateFraction * 10_000)) : BPS;
  const epochLength = BigInt(scenario.epochLengthSeconds);
  return {
    genesisEpochs,
    genesisFloat,
    segments,
    tokenCap: genesisFloat + emission.tokenCap,
    engineEmission,
    splits: {
      devicePoolBps: BigInt(scenario.splits.workPoolBps),
      treasuryBps: BigInt(scenario.splits.treasuryBps),
      ecosystemBps: BigInt(scenario.splits.ecosystemBps),
    },
    timeline: new ChainTimeline(epochLength, BigInt(chain.challengeWindowSeconds)),
    unbondingDelay: BigInt(chain.unbondingDelaySeconds),
    vesting: {
      immediateBps,
      vestingDuration: immediateBps === BPS ? 0n : BigInt(vestingEpochs) * epochLength,
    },
    claimEveryEpochs: chain.claimEveryEpochs,
    slashToTreasury: !scenario.levers.slashing.burn,
    rewardParams: rewardParamsOf(scenario),
    minBond: tokensToWei(scenario.levers.minBond),
    onboardingFee: tokensToWei(scenario.levers.onboardingFee),
    chain,
  };
}
