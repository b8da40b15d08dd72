/** The part of jStat (which ships no types) that the simulator uses: the Student-t inverse CDF. */
declare module "jstat" {
  export const jStat: { studentt: { inv(p: number, dof: number): number } };
}
