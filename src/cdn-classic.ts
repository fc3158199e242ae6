// Entry of the classic `<script src>` bundle: registers the element and exposes the API as `window.CifKpiLogger`.
export { CifKpiLoggerElement, defineCifKpiLogger, version } from './index.js';
