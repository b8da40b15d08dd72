/**
 * Calldata of the hot calls of an EVM-in-the-loop run, encoded directly (selector + 32-byte words as hex): ethers'
 * `Interface.encodeFunctionData` took ~370 µs a call in the profile of a 1,000-device run, more than signing.
 * Selectors come from the contracts' ABIs; a test checks every encoder against `encodeFunctionData`.
 */
import type { Interface } from "ethers";

function word(value: bigint | number): string {
  return BigInt(value).toString(16).padStart(64, "0");
}

function addressWord(address: string): string {
  return address.slice(2).toLowerCase().padStart(64, "0");
}

/** Encoders of the calls sent once per device or owner and epoch. */
export class HotCalldata {
  private readonly transferSelector: string;
  private readonly stakeSelector: string;
  private readonly claimSelector: string;
  private readonly burnSelector: string;

  constructor(token: Interface, staking: Interface, distributor: Interface) {
    this.transferSelector = token.getFunction("transfer")!.selector;
    this.burnSelector = token.getFunction("burn")!.selector;
    this.stakeSelector = staking.getFunction("stake")!.selector;
    this.claimSelector = distributor.getFunction("claim")!.selector;
  }

  /** `DePINToken.transfer(to, amount)`. */
  transfer(to: string, amount: bigint): string {
    return this.transferSelector + addressWord(to) + word(amount);
  }

  /** `DePINToken.burn(amount)`. */
  burn(amount: bigint): string {
    return this.burnSelector + word(amount);
  }

  /** `Staking.stake(deviceId, amount)`. */
  stake(deviceId: bigint, amount: bigint): string {
    return this.stakeSelector + word(deviceId) + word(amount);
  }

  /** `RewardDistributor.claim(epoch, account, cumulativeAmount, proof)`: the proof array's offset is word 4. */
  claim(epoch: number, account: string, cumulativeAmount: bigint, proof: readonly string[]): string {
    let data = this.claimSelector + word(epoch) + addressWord(account) + word(cumulativeAmount) + word(128);
    data += word(proof.length);
    for (const node of proof) data += node.slice(2).toLowerCase();
    return data;
  }
}
