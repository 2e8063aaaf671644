/**
 * postq's version, as package.json says (a test keeps the two equal). A constant rather than
 * a read of package.json at run time, so the single-file bundle carries it too.
 */
export const POSTQ_VERSION = '0.1.0';
