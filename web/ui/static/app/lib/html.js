// html is Preact's h bound to htm tagged templates: JSX-like markup with no
// compile step. Pages import html and the hooks they use from here.
import { h, render, createContext, Fragment } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
export { h, render, createContext, Fragment };
export { useState, useEffect, useRef, useMemo, useCallback, useContext, useId } from 'preact/hooks';
