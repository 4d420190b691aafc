/** What the extractor reports about one page. */
export interface MotionReport {
  url: string;
  title: string;
  keyframes: KeyframesRule[];
  animated: AnimatedElement[];
  transitioned: TransitionedElement[];
  /** Stylesheets whose rules could not be read (cross-origin without CORS). */
  unreadableStylesheets: number;
  truncated: boolean;
}

export interface KeyframesRule {
  name: string;
  css: string;
}

export interface AnimatedElement {
  selector: string;
  animationName: string;
  animationDuration: string;
  animationTimingFunction: string;
  animationIterationCount: string;
}

export interface TransitionedElement {
  selector: string;
  transitionProperty: string;
  transitionDuration: string;
  transitionTimingFunction: string;
}

/**
 * Upper bounds so one huge page cannot fill the Worker's memory, the stored report (25 MiB) or the D1 row. The collector keeps to them, and
 * because it runs in the page's own world (whose scripts can change what it sees), `parseReport` enforces them again
 * on what comes back.
 */
export const LIMITS = { keyframes: 200, elements: 300, cssChars: 4000, titleChars: 300, textChars: 200 } as const;

/**
 * Runs inside the page (serialised by page.evaluate), so it must be self-contained: no imports, no closures.
 * Walks every readable stylesheet (including @media/@supports blocks) for @keyframes, then every element's
 * computed style for running animations and non-zero transitions.
 */
export function collectMotion(limits: typeof LIMITS): Omit<MotionReport, 'url'> {
  const keyframes: KeyframesRule[] = [];
  let unreadableStylesheets = 0;
  let truncated = false;
  const visit = (rules: CSSRuleList) => {
    for (const rule of Array.from(rules)) {
      if (rule instanceof CSSKeyframesRule) {
        if (keyframes.length >= limits.keyframes) {
          truncated = true;
          return;
        }
        keyframes.push({ name: rule.name.slice(0, limits.textChars), css: rule.cssText.slice(0, limits.cssChars) });
      } else if ('cssRules' in rule && (rule as CSSGroupingRule).cssRules) {
        visit((rule as CSSGroupingRule).cssRules);
      }
    }
  };
  for (const sheet of Array.from(document.styleSheets)) {
    try {
      visit(sheet.cssRules);
    } catch {
      unreadableStylesheets++;
    }
  }
  const selectorOf = (el: Element): string => {
    if (el.id) return `#${el.id}`.slice(0, limits.textChars);
    const classes = Array.from(el.classList).slice(0, 3).join('.');
    return (el.tagName.toLowerCase() + (classes ? `.${classes}` : '')).slice(0, limits.textChars);
  };
  const isZero = (durations: string) => durations.split(',').every((d) => Number.parseFloat(d) === 0);
  const animated: AnimatedElement[] = [];
  const transitioned: TransitionedElement[] = [];
  for (const el of Array.from(document.querySelectorAll('*'))) {
    const style = getComputedStyle(el);
    if (style.animationName && style.animationName !== 'none' && animated.length < limits.elements) {
      animated.push({
        selector: selectorOf(el),
        animationName: style.animationName,
        animationDuration: style.animationDuration,
        animationTimingFunction: style.animationTimingFunction,
        animationIterationCount: style.animationIterationCount,
      });
    }
    if (!isZero(style.transitionDuration) && transitioned.length < limits.elements) {
      transitioned.push({
        selector: selectorOf(el),
        transitionProperty: style.transitionProperty,
        transitionDuration: style.transitionDuration,
        transitionTimingFunction: style.transitionTimingFunction,
      });
    }
    if (animated.length >= limits.elements || transitioned.length >= limits.elements) truncated = true;
  }
  const title = document.title.slice(0, limits.titleChars);
  return { title, keyframes, animated, transitioned, unreadableStylesheets, truncated };
}
