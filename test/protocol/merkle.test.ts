import { expect } from "chai";
import fc from "fast-check";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, hexlify, keccak256, toBeHex, zeroPadValue } from "ethers";
import {
  REWARD_LEAF_ENCODING,
  RewardLeaf,
  buildRewardTree,
  buildRewardTreeFast,
  rewardLeafHash,
  verifyRewardClaim,
} from "../../protocol/merkle";

/** Deterministic leaves: account i is 0x..(i+1), amount grows with a multiplier so hashes look random. */
function makeLeaves(n: number, salt = 1n): RewardLeaf[] {
  return Array.from({ length: n }, (_, i) => ({
    account: zeroPadValue(toBeHex(BigInt(i) * 7919n + 4096n), 20),
    cumulativeAmount: (BigInt(i) * 1_000_003n + salt) * 10n ** 12n,
  }));
}

describe("protocol/merkle", function () {
  describe("rewardLeafHash", function () {
    it("is keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount)))) like the contract", function () {
      const leaf = { account: "0x00000000000000000000000000000000000000AA", cumulativeAmount: 123n };
      const encoded = AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [leaf.account, leaf.cumulativeAmount]);
      expect(rewardLeafHash(leaf)).to.equal(keccak256(keccak256(encoded)));
    });
  });

  describe("buildRewardTree", function () {
    it("gives the same root as StandardMerkleTree.of and proofs that verify", function () {
      const leaves = makeLeaves(37);
      const tree = buildRewardTree(leaves);
      const reference = StandardMerkleTree.of(
        leaves.map((l) => [l.account, l.cumulativeAmount]),
        REWARD_LEAF_ENCODING,
      );
      expect(tree.root).to.equal(reference.root);
      expect(tree.size).to.equal(37);
      for (const leaf of leaves) {
        const claim = tree.claimOf(leaf.account);
        expect(claim.cumulativeAmount).to.equal(leaf.cumulativeAmount);
        expect(verifyRewardClaim(tree.root, claim)).to.equal(true);
      }
    });

    it("finds accounts case-insensitively and does not depend on input order", function () {
      const leaves = makeLeaves(9).map((l) => ({ ...l, account: l.account.toUpperCase().replace("0X", "0x") }));
      const shuffled = [...leaves].reverse();
      expect(buildRewardTree(shuffled).root).to.equal(buildRewardTree(leaves).root);
      expect(buildRewardTree(leaves).has(leaves[3].account.toLowerCase())).to.equal(true);
    });

    it("rejects a proof for a different amount", function () {
      const leaves = makeLeaves(8);
      const tree = buildRewardTree(leaves);
      const claim = tree.claimOf(leaves[2].account);
      expect(verifyRewardClaim(tree.root, { ...claim, cumulativeAmount: claim.cumulativeAmount + 1n })).to.equal(false);
    });

    it("throws a clear error for bad input", function () {
      expect(() => buildRewardTree([])).to.throw(/leaves: expected a non-empty array/);
      expect(() => buildRewardTree([{ account: "0x12", cumulativeAmount: 1n }])).to.throw(/leaves\[0\]\.account/);
      expect(() => buildRewardTree([{ account: makeLeaves(1)[0].account, cumulativeAmount: -1n }])).to.throw(
        /leaves\[0\]\.cumulativeAmount: expected a bigint/,
      );
      expect(() =>
        buildRewardTree([{ account: makeLeaves(1)[0].account, cumulativeAmount: 1 as unknown as bigint }]),
      ).to.throw(/leaves\[0\]\.cumulativeAmount/);
      expect(() => buildRewardTree([{ account: makeLeaves(1)[0].account, cumulativeAmount: 1n << 256n }])).to.throw(
        /leaves\[0\]\.cumulativeAmount/,
      );
      const [a] = makeLeaves(1);
      expect(() => buildRewardTree([a, { ...a, account: a.account.toUpperCase().replace("0X", "0x") }])).to.throw(
        /leaves\[1\]\.account: duplicate of leaves\[0\]/,
      );
      expect(() => buildRewardTree(makeLeaves(3)).claimOf(makeLeaves(4)[3].account)).to.throw(/has no leaf/);
    });
  });

  describe("buildRewardTreeFast", function () {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 33, 100]) {
      it(`matches StandardMerkleTree root and every proof for ${n} leaves`, function () {
        const leaves = makeLeaves(n, BigInt(n));
        const reference = buildRewardTree(leaves);
        const fast = buildRewardTreeFast(leaves);
        expect(fast.root).to.equal(reference.root);
        expect(fast.size).to.equal(n);
        for (const leaf of leaves) {
          expect(fast.claimOf(leaf.account)).to.deep.equal(reference.claimOf(leaf.account));
        }
      });
    }

    it("matches StandardMerkleTree on 3000 leaves (root and a sample of proofs)", function () {
      const leaves = makeLeaves(3000, 99n);
      const reference = buildRewardTree(leaves);
      const fast = buildRewardTreeFast(leaves);
      expect(fast.root).to.equal(reference.root);
      for (let i = 0; i < leaves.length; i += 97) {
        const claim = fast.claimOf(leaves[i].account);
        expect(claim).to.deep.equal(reference.claimOf(leaves[i].account));
        expect(verifyRewardClaim(fast.root, claim)).to.equal(true);
      }
    });

    it("gives proofs of depth log2(n) for a power-of-two tree", function () {
      const leaves = makeLeaves(1024);
      const fast = buildRewardTreeFast(leaves);
      expect(fast.claimOf(leaves[5].account).proof).to.have.length(10);
    });

    it("changes the root when one amount changes", function () {
      const leaves = makeLeaves(64);
      const changed = leaves.map((l, i) => (i === 10 ? { ...l, cumulativeAmount: l.cumulativeAmount + 1n } : l));
      expect(buildRewardTreeFast(changed).root).to.not.equal(buildRewardTreeFast(leaves).root);
    });

    it("property: equals the reference builder on random leaf sets", function () {
      const leafSet = fc.uniqueArray(
        fc.record({
          account: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => hexlify(b)),
          cumulativeAmount: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
        }),
        { minLength: 1, maxLength: 40, selector: (leaf) => leaf.account },
      );
      fc.assert(
        fc.property(leafSet, (leaves) => {
          const reference = buildRewardTree(leaves);
          const fast = buildRewardTreeFast(leaves);
          expect(fast.root).to.equal(reference.root);
          const probe = leaves[leaves.length >> 1].account;
          expect(fast.claimOf(probe)).to.deep.equal(reference.claimOf(probe));
        }),
        { seed: 7, numRuns: 60 },
      );
    });

    it("validates like the reference builder", function () {
      const [a] = makeLeaves(1);
      expect(() => buildRewardTreeFast([a, a])).to.throw(/leaves\[1\]\.account: duplicate/);
      expect(() => buildRewardTreeFast([{ account: "nope", cumulativeAmount: 0n }])).to.throw(/leaves\[0\]\.account/);
      expect(() => buildRewardTreeFast(makeLeaves(2)).claimOf(makeLeaves(3)[2].account)).to.throw(/has no leaf/);
    });
  });
});
