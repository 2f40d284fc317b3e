/** The file's name in a project-relative path (either separator: a project made on Windows). */
export const fileName = (relPath: string): string => relPath.split(/[\\/]/).pop() ?? relPath;
