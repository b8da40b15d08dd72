/** The part of jStat (which ships no types) that the project uses: the Student-t inverse CDF, the median. */
declare module "jstat" {
  export const jStat: { studentt: { inv(p: number, dof: number): number }; median(values: readonly number[]): number };
}
