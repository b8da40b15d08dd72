/**
 * The equality check of EVM-in-the-loop runs: the chain against the exact ledger, to the wei.
 */

/** The first difference between the chain and the exact model: epoch, what, whose, both values. */
export class DivergenceError extends Error {
  constructor(
    /** Scenario epoch. */
    readonly epoch: number,
    readonly chainEpoch: number,
    /** What differs: `balance`, `claimed`, `posted cumulative`, `bond`, `total minted`, a device's reward, … */
    readonly quantity: string,
    /** Whose: an account (owner index and address), a system account, a device, or the whole system. */
    readonly subject: string,
    readonly chainValue: bigint | string,
    readonly exactValue: bigint | string,
  ) {
    super(
      `EVM divergence at epoch ${epoch} (chain epoch ${chainEpoch}): ${quantity} of ${subject}: ` +
        `chain ${chainValue}, exact model ${exactValue}`,
    );
    this.name = "DivergenceError";
  }
}

/** Throws a {@link DivergenceError} unless `chain` equals `exact`. */
export function expectEqual(
  at: { epoch: number; chainEpoch: number },
  quantity: string,
  subject: string,
  chain: bigint | string,
  exact: bigint | string,
): void {
  if (chain !== exact) throw new DivergenceError(at.epoch, at.chainEpoch, quantity, subject, chain, exact);
}
