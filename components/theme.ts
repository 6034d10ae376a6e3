export type ThemePreference = "light" | "dark" | "system";

export const THEME_STORAGE_KEY = "switchyard-theme";

/**
 * Runs in <head> before the first paint, so a dark-mode user never sees a white flash. Kept tiny
 * and self-contained: it is inlined as a string.
 */
export const themeScript = `(function(){try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});var d=t==="dark"||((t===null||t==="system")&&matchMedia("(prefers-color-scheme: dark)").matches);document.documentElement.classList.toggle("dark",d)}catch(e){}})()`;
