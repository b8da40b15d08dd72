/**
 * The tools' own command lines (the report, bench:long, the profiler, bench:evm), parsed by node:util parseArgs
 * through simulation/io/args.ts parseToolArgs: every flag kept, and an unknown flag or a bad value named with what
 * was expected.
 */
import { expect } from "chai";
import { parseArgs as parseReportArgs, USAGE } from "../../simulation/report/cli";
import { parseArgs as parseBenchLongArgs, YEAR_EPOCHS } from "../../simulation/tools/bench-long";
import { parseProfileArgs } from "../../simulation/profile";
import { parseBenchArgs } from "../../scripts/evm/bench";
import { UsageError } from "../../simulation/io/args";

const refused = (f: () => unknown, message: RegExp) => expect(f).to.throw(UsageError, message);

describe("tool command lines (node:util parseArgs)", function () {
  it("report: every flag, short aliases and = forms; each mistake named", function () {
    expect(
      parseReportArgs(["--compare", "a", "b", "--thresholds-from=proposal", "-o", "ab.html", "--no-markdown"]),
    ).to.deep.equal({
      compare: true,
      dirs: ["a", "b"],
      out: "ab.html",
      markdown: false,
      thresholdsFrom: "proposal",
    });
    expect(parseReportArgs(["--out=r.htm", "d"])).to.deep.equal({
      compare: false,
      dirs: ["d"],
      out: "r.htm",
      markdown: true,
    });
    refused(() => parseReportArgs(["--help"]), /^$/);
    refused(() => parseReportArgs(["-h"]), /^$/);
    refused(
      () => parseReportArgs(["d", "--bogus"]),
      /^unknown option --bogus \(options: --compare, --thresholds-from, --out/,
    );
    refused(() => parseReportArgs(["d", "--out"]), /^--out needs a value \(file\.html\)/);
    refused(() => parseReportArgs(["d", "--out", "-x.html"]), /^--out needs a value/);
    refused(
      () => parseReportArgs(["--compare", "a", "b", "--thresholds-from", "mine"]),
      /^--thresholds-from: expected status-quo or proposal, got "mine"$/,
    );
    refused(() => parseReportArgs(["--compare=yes", "a", "b"]), /^--compare takes no value$/);
    expect(USAGE).to.contain("--thresholds-from <status-quo|proposal>").and.contain("(default: status-quo)");
  });

  it("bench:long: every flag with its default; bad values and unknown flags named", function () {
    expect(parseBenchLongArgs([])).to.deep.equal({
      epochs: YEAR_EPOCHS,
      runs: 1,
      repeat: 1,
      keep: false,
      report: true,
      help: false,
    });
    expect(
      parseBenchLongArgs(["--epochs", "2000", "--runs", "2", "--repeat=3", "--out", "/tmp/x", "--keep", "--no-report"]),
    ).to.deep.equal({
      epochs: 2000,
      runs: 2,
      repeat: 3,
      out: "/tmp/x",
      keep: true,
      report: false,
      help: false,
    });
    expect(parseBenchLongArgs(["--help"]).help).to.equal(true);
    refused(() => parseBenchLongArgs(["--epochs", "0"]), /^--epochs: expected a positive integer, got "0"$/);
    refused(() => parseBenchLongArgs(["--runs", "1.5"]), /^--runs: expected a positive integer, got "1\.5"$/);
    refused(() => parseBenchLongArgs(["--repeat"]), /^--repeat needs a value \(N\)/);
    refused(() => parseBenchLongArgs(["--fast"]), /^unknown option --fast \(options: --epochs/);
    refused(() => parseBenchLongArgs(["extra"]), /^unexpected argument "extra"/);
  });

  it("profile: three optional positional counts with their defaults, each bad one named", function () {
    expect(parseProfileArgs([])).to.deep.equal({ devices: 100_000, epochs: 365, reps: 2 });
    expect(parseProfileArgs(["2000", "10"])).to.deep.equal({ devices: 2000, epochs: 10, reps: 2 });
    expect(parseProfileArgs(["--help"])).to.equal("help");
    refused(() => parseProfileArgs(["2000", "ten"]), /^epochs: expected a positive integer, got "ten"$/);
    refused(() => parseProfileArgs(["1", "2", "3", "4"]), /^expected at most 3 arguments/);
    refused(() => parseProfileArgs(["--devices", "5"]), /^unknown option --devices/);
  });

  it("bench:evm: flags first, then BENCH_* variables, then the defaults; each bad one named", function () {
    expect(parseBenchArgs([], {})).to.deep.equal({ devices: 1000, epochs: 52, runs: 1 });
    expect(parseBenchArgs(["--devices", "400"], { BENCH_DEVICES: "9", BENCH_EPOCHS: "6" })).to.deep.equal({
      devices: 400,
      epochs: 6,
      runs: 1,
    });
    expect(parseBenchArgs(["--help"], {})).to.equal("help");
    refused(() => parseBenchArgs(["--epochs", "-1"], {}), /^--epochs needs a value/);
    refused(() => parseBenchArgs(["--epochs=0"], {}), /^--epochs: expected a positive integer, got "0"$/);
    refused(() => parseBenchArgs([], { BENCH_RUNS: "many" }), /^BENCH_RUNS: expected a positive integer, got "many"$/);
    refused(() => parseBenchArgs(["--blocks", "3"], {}), /^unknown option --blocks/);
  });
});
