# R's survey results for the designs written by make_fixtures.py.
# Usage: Rscript survey_reference.R DIR   (reads DIR/cases.csv and DIR/data_*.csv,
# writes DIR/results.csv: case, domain, quantity, value with 17 significant digits)
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
cases <- read.csv(file.path(dir, "cases.csv"), stringsAsFactors = FALSE)
out <- list()
emit <- function(case, domain, quantity, value) {
  out[[length(out) + 1]] <<- data.frame(case = case, domain = domain, quantity = quantity,
                                        value = sprintf("%.17g", as.numeric(value)))
}

battery <- function(case, key, des, level) {
  m <- svymean(~y, des, deff = TRUE)
  mr <- svymean(~y, des, deff = "replace")
  emit(case, key, "mean_y", coef(m)); emit(case, key, "mean_y_se", SE(m))
  emit(case, key, "mean_y_deff", deff(m)); emit(case, key, "mean_y_deff_replace", deff(mr))
  b <- svyciprop(~y, des, method = "beta", level = level)
  emit(case, key, "ci_beta_lo", attr(b, "ci")[1]); emit(case, key, "ci_beta_hi", attr(b, "ci")[2])
  xl <- svyciprop(~y, des, method = "xlogit", level = level)
  emit(case, key, "ci_xlogit_lo", attr(xl, "ci")[1]); emit(case, key, "ci_xlogit_hi", attr(xl, "ci")[2])
  # method = "logit" fits a quasibinomial glm: the same interval to its convergence
  lg <- tryCatch(attr(suppressWarnings(svyciprop(~y, des, method = "logit", level = level)), "ci"),
                 error = function(e) c(NaN, NaN))
  emit(case, key, "ci_logit_lo", lg[1]); emit(case, key, "ci_logit_hi", lg[2])
  emit(case, key, "degf", degf(des))
  t1 <- svytotal(~y, des, deff = TRUE); t2 <- svytotal(~y, des, deff = "replace")
  emit(case, key, "total_y", coef(t1)); emit(case, key, "total_y_se", SE(t1))
  emit(case, key, "total_y_deff", deff(t1)); emit(case, key, "total_y_deff_replace", deff(t2))
  mv <- svymean(~v, des, deff = TRUE)
  ci <- confint(mv, level = level, df = degf(des))
  emit(case, key, "mean_v", coef(mv)); emit(case, key, "mean_v_se", SE(mv))
  emit(case, key, "mean_v_lo", ci[1]); emit(case, key, "mean_v_hi", ci[2])
  emit(case, key, "mean_v_deff", deff(mv))
  r <- svyratio(~num, ~x, des)
  emit(case, key, "ratio", coef(r)); emit(case, key, "ratio_se", SE(r))
}

for (i in seq_len(nrow(cases))) {
  cs <- cases[i, ]
  d <- read.csv(file.path(dir, paste0("data_", cs$name, ".csv")), stringsAsFactors = FALSE)
  options(survey.lonely.psu = cs$lonely)
  des <- if (cs$fpc) svydesign(ids = ~1, strata = ~h, weights = ~w, fpc = ~N, data = d)
         else svydesign(ids = ~1, strata = ~h, weights = ~w, data = d)
  if (cs$calibrate != "none") {
    t1 <- read.csv(file.path(dir, paste0("totals_", cs$name, "_c1.csv")), stringsAsFactors = FALSE)
    t2 <- read.csv(file.path(dir, paste0("totals_", cs$name, "_c2.csv")), stringsAsFactors = FALSE)
    if (cs$calibrate == "post") {
      des <- postStratify(des, ~c1, t1)
    } else {
      des <- rake(des, list(~c1, ~c2), list(t1, t2),
                  control = list(maxit = 100, epsilon = 1e-12))
    }
  }
  res <- tryCatch({
    battery(cs$name, "all", des, cs$confidence)
    if (cs$domains) {
      for (dm in sort(unique(d$dom))) {
        battery(cs$name, dm, subset(des, dom == dm), cs$confidence)
      }
      # mean of y in the first domain minus the second, with their covariance: two
      # ratios of totals (svyby(covmat = TRUE) fails on calibrated designs)
      doms <- sort(unique(d$dom))
      des <- update(des, n1 = y * (dom == doms[1]), n2 = y * (dom == doms[2]),
                    d1 = as.numeric(dom == doms[1]), d2 = as.numeric(dom == doms[2]))
      r <- svyratio(~n1 + n2, ~d1 + d2, des, covmat = TRUE)
      v <- r$vcov
      emit(cs$name, "contrast", "estimate", r$ratio[1, 1] - r$ratio[2, 2])
      emit(cs$name, "contrast", "se", sqrt(v[1, 1] + v[4, 4] - 2 * v[1, 4]))
    }
    TRUE
  }, error = function(e) {
    emit(cs$name, "all", "error", 1)
    FALSE
  })
}
write.csv(do.call(rbind, out), file.path(dir, "results.csv"), row.names = FALSE)
